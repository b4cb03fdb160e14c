"""Test-wide settings: hypothesis without deadlines (no timing assertions in tests), and a
derandomized profile on CI so that a run there is reproducible; one BLAS and one torch thread per
test process; the ``default_float64`` fixture."""

import os
import sys

import pytest
import torch
from hypothesis import HealthCheck, settings
from threadpoolctl import threadpool_limits

import konspekt as kp

sys.path.insert(0, os.path.dirname(__file__))

settings.register_profile("dev", deadline=None, max_examples=30,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, max_examples=30, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# pytest -n 2 runs one process per core: threads of BLAS or torch beyond that fight over the
# cores, and small matrix products then wait on each other (several times slower).
threadpool_limits(1, user_api="blas")
torch.set_num_threads(1)


@pytest.fixture
def default_float64():
    """float64 as the default dtype of both libraries for one test, restored afterwards."""
    kp_before, torch_before = kp.get_default_dtype(), torch.get_default_dtype()
    kp.set_default_dtype(kp.float64)
    torch.set_default_dtype(torch.float64)
    yield
    kp.set_default_dtype(kp_before)
    torch.set_default_dtype(torch_before)
