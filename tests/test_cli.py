"""The ``konspekt`` command."""

import io
import subprocess
import sys

import pytest

import konspekt as kp
from konspekt import cli


def test_info_names_version_backend_dtype_and_extras():
    out = io.StringIO()
    assert cli.main(["info"], out=out) == 0
    text = out.getvalue()
    assert f"konspekt {kp.__version__}" in text
    assert "array back end: numpy" in text
    assert "default dtype: konspekt.float32" in text
    # the test extra is installed wherever this suite runs
    assert "extra [test]: installed (torch)" in text


def test_version_flag_exits_cleanly(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert kp.__version__ in capsys.readouterr().out


def test_no_command_prints_help_and_fails():
    out = io.StringIO()
    assert cli.main([], out=out) == 2
    assert "info" in out.getvalue()


def test_unknown_command_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["no-such-command"])
    assert stop.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_module_runs_as_a_script():
    done = subprocess.run([sys.executable, "-m", "konspekt.cli", "info"], capture_output=True,
                          text=True, check=True)
    assert "konspekt" in done.stdout
