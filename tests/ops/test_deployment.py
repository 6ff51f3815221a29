"""The Dockerfile and compose.yaml, checked without a Docker engine.

The image's steps are commands the repo runs anyway (make install, bin/run's
collectstatic and migrate, the gunicorn config), so these tests hold the files
to those commands and run the ones that can run here.
"""

import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys

import pytest
import yaml

from tests.support.live import BASE_DIR, free_port, gunicorn

DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((BASE_DIR / "compose.yaml").read_text())
README = (BASE_DIR / "README.md").read_text()
BIN_RUN = (BASE_DIR / "bin/run").read_text()


def instructions(keyword: str) -> list[str]:
    """Arguments of each Dockerfile instruction `keyword`, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(keyword + " ")]


def test_the_image_is_built_in_stages_from_slim_python_3_13():
    stages = instructions("FROM")
    assert len(stages) >= 2
    assert all(stage.split()[0] == "python:3.13-slim" for stage in stages)


def test_every_file_the_image_copies_is_in_the_repo():
    for arguments in instructions("COPY"):
        if arguments.startswith("--from="):
            continue
        *sources, _destination = arguments.split()
        for source in sources:
            assert (BASE_DIR / source).exists(), source


def test_dependencies_come_from_the_lock_file_through_make_install():
    assert any(run.startswith("make install") for run in instructions("RUN"))
    makefile = (BASE_DIR / "Makefile").read_text()
    assert re.search(r"^install: \$\(VENV\)/\.installed-main$", makefile, re.M)
    assert "$(UV) pip sync --quiet requirements/$*.txt" in makefile
    assert "--hash=sha256:" in (BASE_DIR / "requirements/main.txt").read_text()


def test_the_images_collectstatic_step_runs_without_a_database(tmp_path):
    (step,) = [run for run in instructions("RUN") if "collectstatic" in run]
    assert "manage.py collectstatic --no-input" in BIN_RUN
    # Run the step as written, with this venv's Python; no DATABASE_URL server
    # exists at that address, so it proves the build needs none.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    result = subprocess.run(["bash", "-c", step], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (BASE_DIR / "staticfiles/staticfiles.json").exists()


def test_the_image_runs_as_a_user_that_is_not_root():
    users = instructions("USER")
    assert users and users[-1] not in ("root", "0")
    assert DOCKERFILE.rindex("USER ") < DOCKERFILE.rindex("CMD ")


def test_the_image_serves_with_the_repos_gunicorn_config_on_all_interfaces():
    (cmd,) = instructions("CMD")
    command = json.loads(cmd)
    assert command[:3] == ["gunicorn", "--config", "config/gunicorn.py"]
    assert (BASE_DIR / command[2]).is_file()
    assert (BASE_DIR / (command[3].replace(".", "/") + ".py")).is_file()
    env_lines = " ".join(instructions("ENV"))
    assert "HOST=0.0.0.0" in env_lines
    config = {}
    os.environ["HOST"], saved = "0.0.0.0", os.environ.get("HOST")
    try:
        exec((BASE_DIR / command[2]).read_text(), config)
    finally:
        os.environ.pop("HOST") if saved is None else os.environ.update(HOST=saved)
    assert config["bind"].startswith("0.0.0.0:")


@pytest.mark.live
def test_the_images_health_check_passes_on_a_live_site_and_fails_on_a_dead_one():
    (healthcheck,) = instructions("HEALTHCHECK")
    command = json.loads(healthcheck.split("CMD ", 1)[1])
    assert command[0] == "python"
    probe = [sys.executable, *command[1:]]
    with gunicorn(workers=1, ready_path="/healthz") as server:
        port = server.url.rsplit(":", 1)[1]
        alive = subprocess.run(probe, env={**os.environ, "PORT": port}, capture_output=True)
    assert alive.returncode == 0, alive.stderr
    dead = subprocess.run(probe, env={**os.environ, "PORT": str(free_port())}, capture_output=True)
    assert dead.returncode != 0


def test_compose_runs_migrations_once_before_web_worker_and_scheduler():
    services = COMPOSE["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "scheduler", "proxy", "certbot"}
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker", "scheduler"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["image"] == services["migrate"]["image"]


def test_only_the_proxy_publishes_ports_and_the_site_trusts_it():
    services = COMPOSE["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert services["proxy"]["ports"] == ["80:80", "443:443"]
    assert services["proxy"]["image"].split(":")[0] == "nginx"  # the official image
    assert services["proxy"]["depends_on"]["web"] == {"condition": "service_healthy", "restart": True}
    assert COMPOSE["x-site"]["environment"]["TRUSTED_PROXIES"] == "1"
    assert COMPOSE["x-site"]["environment"]["SITE_URL"].startswith("https://")
    # Every file the proxy mounts from the repo is there.
    for mount in services["proxy"]["volumes"]:
        source = mount.split(":")[0]
        if source.startswith("./") and source != "./certs":
            assert (BASE_DIR / source).exists(), source


def test_the_scheduler_keeps_its_backups_in_a_volume_the_image_lets_it_write():
    scheduler = COMPOSE["services"]["scheduler"]
    command = scheduler["command"]
    assert command[:3] == ["python", "manage.py", "scheduler"]
    backup_dir = command[command.index("--backup-dir") + 1]
    volume, target = scheduler["volumes"][0].split(":")[:2]
    assert target == backup_dir and volume in COMPOSE["volumes"]
    assert any(f"--owner=app --group=app --mode=0700 {backup_dir}" in run for run in instructions("RUN"))
    assert scheduler["init"] is True


def test_compose_commands_are_the_ones_bin_run_uses():
    services = COMPOSE["services"]
    migrate = shlex.join(services["migrate"]["command"][1:])
    worker = shlex.join(services["worker"]["command"][1:])
    assert f"$PY {migrate}" in BIN_RUN
    assert f"$PY {worker}" in BIN_RUN
    assert "command" not in services["web"]  # the image's CMD


def test_compose_points_the_site_at_its_own_database_and_redis():
    environment = COMPOSE["x-site"]["environment"]
    assert "@db:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")


def documented_variables() -> set[str]:
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split(" | ")[0])}


@pytest.mark.parametrize("path", ["config/settings.py", "config/gunicorn.py"])
def test_every_environment_variable_the_site_reads_is_documented(path):
    source = (BASE_DIR / path).read_text()
    read = set(re.findall(r"""(?:environ(?:\.get)?\(|environ\[|env(?:bool|int|list)\()["']([A-Z][A-Z0-9_]+)""", source))
    assert read, "the pattern no longer finds how settings read the environment"
    assert read - documented_variables() == set()


def test_every_variable_compose_sets_is_documented():
    names = set(COMPOSE["x-site"]["environment"])
    names |= {n for n in re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (BASE_DIR / "compose.yaml").read_text())}
    assert names - documented_variables() == set()


def left_out_of_the_image(path: str) -> bool:
    """Whether .dockerignore keeps path out of the build context (its plain names and globs)."""
    patterns = [line.strip() for line in (BASE_DIR / ".dockerignore").read_text().splitlines()]
    patterns = [p for p in patterns if p and not p.startswith("#")]
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    return any(fnmatch.fnmatchcase(prefix, pattern) for pattern in patterns for prefix in prefixes)


@pytest.mark.parametrize("path", ["tests/conftest.py", "bench/run.py", "docs/performance.md",
                                  "certs/live/example.org/privkey.pem", "backups/petitions-2026-11-30.dump"])
def test_the_suite_the_benchmark_keys_and_dumps_stay_out_of_the_image(path):
    assert left_out_of_the_image(path)


@pytest.mark.parametrize("path", ["manage.py", "config/settings.py", "signatures/models.py", "ops/scheduler.py"])
def test_the_site_goes_into_the_image(path):
    assert not left_out_of_the_image(path)


def test_the_image_carries_no_key_file_so_it_needs_secret_key_from_the_environment():
    assert left_out_of_the_image(".data/secret_key")
    assert "SECRET_KEY" in COMPOSE["x-site"]["environment"]
    assert ":?" in COMPOSE["x-site"]["environment"]["SECRET_KEY"]


def test_bin_run_creates_the_cache_table_after_migrating():
    # Without REDIS_URL the rate limits count in that table (config/settings.py).
    migrate = BIN_RUN.index("$PY manage.py migrate --no-input")
    assert BIN_RUN.index("$PY manage.py createcachetable", migrate) < BIN_RUN.index("gunicorn --config")
