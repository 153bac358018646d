"""The deployment files agree with the code: settings names, CLI commands, services.

Docker is not needed: the files are parsed, and what they name is checked against
bot/settings.py and the real CLI parser, so a renamed setting or command breaks here
rather than in production.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

import pytest
import yaml
from sqlalchemy.engine import make_url

from bot.cli import _parser
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
CI_RUN = ROOT / ".ci" / "run"

APP_SERVICES = ("bot", "worker", "migrate")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a dict, whichever of compose's two forms it uses."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def command(service: dict[str, Any]) -> list[str]:
    cmd = service.get("command")
    return shlex.split(cmd) if isinstance(cmd, str) else list(cmd or [])


def settings_env_names() -> set[str]:
    prefix = Settings.model_config["env_prefix"]
    return {prefix + name.upper() for name in Settings.model_fields}


def unknown_settings(names: Iterable[str]) -> set[str]:
    """CINEBOOKER_* names that no Settings field reads (a typo is silently ignored)."""
    prefix = Settings.model_config["env_prefix"]
    return {n for n in names if n.startswith(prefix)} - settings_env_names()


def cli_command(argv: list[str]) -> str:
    """The subcommand the real parser picks; SystemExit if it rejects argv."""
    return _parser().parse_args(argv).command


# --- docker-compose.yml ------------------------------------------------------------


def test_compose_has_every_service(services: dict[str, Any]) -> None:
    assert {"postgres", "redis", "s3", "bot", "worker", "migrate"} <= set(services)


def test_app_services_share_one_image(services: dict[str, Any]) -> None:
    builds = {(services[name].get("image"), str(services[name].get("build"))) for name in APP_SERVICES}
    assert len(builds) == 1, builds
    assert all(services[name].get("image") and services[name].get("build") for name in APP_SERVICES)


def test_every_cinebooker_variable_is_a_setting(services: dict[str, Any]) -> None:
    for name, service in services.items():
        assert not unknown_settings(environment(service)), f"service {name}"
    # Guard against a check that can never fail: the app does set some of them.
    assert "CINEBOOKER_DATABASE_URL" in environment(services["bot"])


def test_unknown_setting_is_caught() -> None:
    assert unknown_settings(["CINEBOOKER_DATABASE_URL", "CINEBOOKER_DATABSE_URL", "AWS_REGION"]) == {
        "CINEBOOKER_DATABSE_URL"
    }


def test_app_services_get_the_same_environment(services: dict[str, Any]) -> None:
    envs = [environment(services[name]) for name in APP_SERVICES]
    assert all(env == envs[0] for env in envs)


def test_database_url_is_asyncpg_on_the_postgres_service(services: dict[str, Any]) -> None:
    url = make_url(environment(services["bot"])["CINEBOOKER_DATABASE_URL"])
    assert url.drivername == "postgresql+asyncpg"
    assert url.host == "postgres"
    # The credentials and database must be the ones the postgres container creates.
    pg_env = environment(services["postgres"])
    assert url.username == pg_env["POSTGRES_USER"]
    assert url.password == pg_env["POSTGRES_PASSWORD"]
    assert url.database == pg_env["POSTGRES_DB"]


def test_redis_url_points_at_the_redis_service(services: dict[str, Any]) -> None:
    url = urlsplit(environment(services["bot"])["CINEBOOKER_REDIS_URL"])
    assert url.scheme == "redis"
    assert url.hostname == "redis"


def test_storage_is_the_s3_service(services: dict[str, Any]) -> None:
    env = environment(services["bot"])
    storage = urlsplit(env["CINEBOOKER_STORAGE_URL"])
    assert storage.scheme == "s3" and storage.netloc
    assert urlsplit(env["CINEBOOKER_S3_ENDPOINT_URL"]).hostname == "s3"
    # The bucket the app writes to is the one the one-shot service creates.
    assert f"s3/{storage.netloc}" in " ".join(command(services["createbucket"]))


def test_bot_token_must_be_given(services: dict[str, Any]) -> None:
    assert environment(services["bot"])["CINEBOOKER_BOT_TOKEN"].startswith("${CINEBOOKER_BOT_TOKEN:?")


@pytest.mark.parametrize(("service", "expected"), [("bot", "serve"), ("worker", "worker"), ("migrate", "migrate")])
def test_service_runs_a_real_cli_command(services: dict[str, Any], service: str, expected: str) -> None:
    argv = command(services[service])
    assert argv[:1] == [expected]
    assert cli_command(argv) == expected


def test_cli_check_rejects_an_unknown_command() -> None:
    with pytest.raises(SystemExit):
        cli_command(["webserver"])


@pytest.mark.parametrize("service", ["bot", "worker"])
def test_service_waits_for_migrations(services: dict[str, Any], service: str) -> None:
    depends_on = services[service]["depends_on"]
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    assert depends_on["postgres"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"


def test_backing_services_have_health_checks(services: dict[str, Any]) -> None:
    for name in ("postgres", "redis", "s3"):
        assert services[name].get("healthcheck", {}).get("test"), name


# --- .ci/run -----------------------------------------------------------------------


def test_ci_script_is_executable_and_runs_make_test() -> None:
    assert os.access(CI_RUN, os.X_OK), ".ci/run must be executable (chmod +x, and in git)"
    text = CI_RUN.read_text(encoding="utf-8")
    assert text.startswith("#!")
    assert "set -euo pipefail" in text
    assert "CINEBOOKER_REQUIRE_SERVICES=1" in text
    assert "make test" in text
    subprocess.run(["bash", "-n", str(CI_RUN)], check=True)


# --- Dockerfile --------------------------------------------------------------------


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined."""
    joined = text.replace("\\\n", " ")
    pairs = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def exec_form(instructions: list[tuple[str, str]], keyword: str) -> list[str]:
    """The last `keyword` instruction, which must use the JSON (exec) form."""
    values = [rest for kw, rest in instructions if kw == keyword]
    assert values, f"no {keyword} in the Dockerfile"
    return json.loads(values[-1])


def test_dockerfile_runs_the_cli_as_a_non_root_user() -> None:
    instructions = dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))
    assert exec_form(instructions, "ENTRYPOINT") == ["cinebooker"]
    assert cli_command(exec_form(instructions, "CMD")) == "serve"
    users = [rest for kw, rest in instructions if kw == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any(kw == "HEALTHCHECK" and "/healthz" in rest for kw, rest in instructions)
    # bot/migrations.py finds alembic.ini beside the sources, so they must stay at /app.
    assert ("WORKDIR", "/app") in instructions
    assert any(kw == "RUN" and "pip install" in rest and " -e ." in rest for kw, rest in instructions)


def test_dockerignore_keeps_local_state_out() -> None:
    entries = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".venv", "var", ".git", ".env"} <= entries
