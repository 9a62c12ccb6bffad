"""Static checks of the Dockerfile, docker-compose.yml, .dockerignore and scripts/docker-demo.

The real build is exercised by scripts/docker-demo (needs root and a Docker daemon; its recorded
result is in docs/docker.md). These checks keep the files honest between runs of it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app

ROOT = Path(__file__).resolve().parents[1]


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n", " ", text)
    result = []
    for line in joined.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        word, _, rest = stripped.partition(" ")
        result.append((word.upper(), rest.strip()))
    return result


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instr in _instructions():
        if instr[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instr)
    return stages


def _final() -> list[tuple[str, str]]:
    return _stages()[-1]


def _args(stage: list[tuple[str, str]], name: str) -> list[str]:
    return [rest for word, rest in stage if word == name]


def test_the_base_image_is_a_build_argument_defaulting_to_the_official_slim_python() -> None:
    instructions = _instructions()
    first_from = next(i for i, (word, _) in enumerate(instructions) if word == "FROM")
    global_args = [rest for word, rest in instructions[:first_from] if word == "ARG"]
    assert "PYTHON_IMAGE=python:3.12-slim" in global_args
    froms = [rest for word, rest in instructions if word == "FROM"]
    assert all(f.startswith("${PYTHON_IMAGE}") for f in froms), froms


def test_multi_stage_the_final_stage_copies_the_venv_only() -> None:
    stages = _stages()
    assert len(stages) >= 2
    assert stages[0][0][1].endswith(" AS builder")
    copies = _args(_final(), "COPY")
    assert copies == ["--from=builder /opt/shopxero /opt/shopxero"]
    # No compiler, no pip install in the final stage: everything was built in the builder.
    assert not any("pip" in run for run in _args(_final(), "RUN"))


def test_the_builder_installs_from_the_lock_with_overridable_pip_args() -> None:
    builder = _stages()[0]
    assert "PIP_ARGS" in " ".join(_args(builder, "ARG"))
    runs = " ".join(_args(builder, "RUN"))
    assert "python3 -m venv /opt/shopxero" in runs  # exists on the official and Debian images
    assert "$PIP_ARGS -r /build/deps/requirements.lock" in runs
    assert re.search(r"pip wheel \$PIP_ARGS --no-deps", runs)
    assert "requirements.lock wheel[s] /build/deps/" in _args(builder, "COPY")


def test_runs_as_a_non_root_user() -> None:
    users = _args(_final(), "USER")
    assert users, "no USER in the final stage"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert "useradd" in " ".join(_args(_final(), "RUN"))


def test_state_on_a_volume_and_the_data_dir_points_there() -> None:
    final = _final()
    assert any("/data" in v for v in _args(final, "VOLUME"))
    env = " ".join(_args(final, "ENV"))
    assert "SHOPXERO_DATA_DIR=/data" in env
    # The volume's mount point belongs to the unprivileged user (a fresh named volume copies it).
    assert "chown 10001:10001 /data" in " ".join(_args(final, "RUN"))


def test_healthcheck_entrypoint_and_cmd_are_real_commands() -> None:
    final = _final()
    (health,) = _args(final, "HEALTHCHECK")
    cmd = json.loads(health.split("CMD", 1)[1].strip())
    assert cmd == ["shopxero", "health"]
    assert json.loads(_args(final, "ENTRYPOINT")[-1]) == ["shopxero"]
    default = json.loads(_args(final, "CMD")[-1])
    _register_commands()
    for args in (cmd[1:], default):
        result = CliRunner().invoke(app, [*args, "--help"])
        assert result.exit_code == 0, (args, result.output)


def test_dockerfile_pulls_nothing_but_the_base_image() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    # A "# syntax=" line makes BuildKit pull a frontend image from Docker Hub.
    assert not re.search(r"^#\s*syntax\s*=", text, re.M | re.I)
    assert "curl" not in text and "wget" not in text


def _compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_has_a_one_shot_sync_and_a_scheduler_sharing_the_volume() -> None:
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"sync", "scheduler"}
    assert services["sync"]["command"] == ["sync"]
    assert services["scheduler"]["command"] == ["schedule"]
    for svc in services.values():
        assert svc["env_file"] == "shopxero.env"
        assert svc["volumes"] == ["shopxero-data:/data"]
        assert svc["environment"]["SHOPXERO_DATA_DIR"] == "/data"
        assert svc["init"] is True
    assert "shopxero-data" in compose["volumes"]


def test_compose_restart_policies() -> None:
    services = _compose()["services"]
    assert services["scheduler"]["restart"] == "unless-stopped"
    # The one-shot is never restarted and never started by `docker compose up`.
    assert services["sync"]["restart"] == "no"
    assert services["sync"]["profiles"] == ["manual"]


def test_dockerignore_keeps_state_tokens_and_env_files_out() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"  # an allow-list
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert allowed == {
        "Dockerfile",
        "pyproject.toml",
        "README.md",
        "requirements.lock",
        "src",
        "wheels",
    }
    assert "**/*.env" in lines


def test_docker_demo_script_is_executable_valid_bash_and_uses_the_same_dockerfile() -> None:
    script = ROOT / "scripts" / "docker-demo"
    assert os.access(script, os.X_OK)
    bash = shutil.which("bash")
    if bash is None:  # pragma: no cover - every CI image has bash
        pytest.fail("bash is needed to check scripts/docker-demo")
    subprocess.run([bash, "-n", str(script)], check=True)
    text = script.read_text(encoding="utf-8")
    assert "debootstrap --variant=minbase --include=python3,python3-venv bookworm" in text
    assert "docker import - " in text
    assert "--build-arg PYTHON_IMAGE=" in text and "--build-arg PIP_ARGS=" in text
    # The Dockerfile users get (copied into the build context), not a second one.
    lines = text.splitlines()
    (start,) = [i for i, line in enumerate(lines) if line.startswith("docker build ")]
    end = start
    while lines[end].endswith("\\"):
        end += 1
    build = " ".join(lines[start : end + 1])
    assert "--build-arg PIP_ARGS=" in build
    assert "-f" not in build.split() and "--file" not in build
    assert 'run --rm "$IMAGE" demo' in text
