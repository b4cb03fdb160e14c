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


@pytest.mark.parametrize("argv, message", [
    (["train", "--model", "vgg"], "argument --model: invalid choice: 'vgg'"),
    (["train", "--data", "mnist"], "argument --data: invalid choice: 'mnist'"),
    (["train", "--lr", "-0.1"], "--lr must be positive, got -0.1"),
    (["train", "--epochs", "0"], "--epochs must be positive, got 0"),
    (["train", "--model", "lenet5", "--data", "iris"], "model 'lenet5' needs image data"),
    (["train", "--resume", "no/such.ckpt"], "checkpoint 'no/such.ckpt' not found"),
])
def test_bad_train_options_are_one_line_and_status_2(argv, message, tmp_path, capsys):
    try:
        status = cli.main(argv + ["--logdir", str(tmp_path / "run")])
    except SystemExit as stop:
        status = stop.code
    assert status == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err


def test_a_logdir_that_cannot_be_written_is_refused(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert cli.main(["train", "--logdir", str(blocker / "run")]) == 2
    assert "cannot create logdir" in capsys.readouterr().err


def test_train_writes_its_logs_and_resumes(tmp_path):
    logdir = tmp_path / "run"
    out = io.StringIO()
    argv = ["train", "--model", "mlp", "--data", "moons", "--epochs", "2", "--batch-size",
            "128", "--logdir", str(logdir)]
    assert cli.main(argv, out=out) == 0
    assert "test accuracy" in out.getvalue()
    for name in ("log.csv", "checkpoints/last.ckpt", "checkpoints/best.ckpt"):
        assert (logdir / name).is_file(), name
    assert len((logdir / "log.csv").read_text().splitlines()) == 3  # header and 2 epochs
    resumed = argv[:argv.index("--epochs") + 1] + ["3"] + argv[argv.index("--epochs") + 2:]
    assert cli.main(resumed + ["--resume", str(logdir / "checkpoints" / "last.ckpt")],
                    out=io.StringIO()) == 0
    rows = (logdir / "log.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["0", "1", "2"]
