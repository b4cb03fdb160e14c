"""Test-wide settings: hypothesis without deadlines (no timing assertions in tests), and a
derandomized profile on CI so that a run there is reproducible; the ``default_float64`` fixture."""

import os
import sys

import pytest
import torch
from hypothesis import HealthCheck, settings

import konspekt as kp

sys.path.insert(0, os.path.dirname(__file__))

settings.register_profile("dev", deadline=None, max_examples=30,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, max_examples=30, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def default_float64():
    """float64 as the default dtype of both libraries for one test, restored afterwards."""
    kp_before, torch_before = kp.get_default_dtype(), torch.get_default_dtype()
    kp.set_default_dtype(kp.float64)
    torch.set_default_dtype(torch.float64)
    yield
    kp.set_default_dtype(kp_before)
    torch.set_default_dtype(torch_before)
