"""deploy/: the compose file is valid and consistent (`docker compose config` where the Compose plugin exists,
else parsed and checked here: no Docker engine runs on these machines), its config template loads, the dev
script and the docs say what they should."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import elasticsearch
import pytest
import yaml

from newswatch.esnode import ES_VERSION
from pipelines.config import load_config

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def test_docker_compose_accepts_the_file_where_it_is_installed(tmp_path: Path) -> None:
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        # no Compose plugin here: the other tests of this module check the file instead
        assert yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]
        return
    env = tmp_path / ".env"
    env.write_text((DEPLOY / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run([docker, "compose", "-f", str(COMPOSE), "--env-file", str(env), "config", "-q"],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_elasticsearch_and_kibana_are_official_images_of_the_version_the_client_speaks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    es_image = services["elasticsearch"]["image"]
    kibana_image = services["kibana"]["image"]
    assert es_image == f"docker.elastic.co/elasticsearch/elasticsearch:{ES_VERSION}"
    assert kibana_image == f"docker.elastic.co/kibana/kibana:{ES_VERSION}"
    assert ES_VERSION.split(".")[0] == elasticsearch.__versionstr__.split(".")[0]
    assert services["redis"]["image"].startswith("redis:")
    assert {"elasticsearch", "kibana", "redis", "newswatch"} <= set(services)


def test_every_port_is_local_every_reference_resolves(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond this host"
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown {dependency}"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in compose["volumes"], f"{name} uses undeclared volume {source}"
    defined = set(re.findall(r"^(\w+)=", (DEPLOY / ".env.example").read_text(encoding="utf-8"), re.M))
    used = set(re.findall(r"\$\{(\w+)", COMPOSE.read_text(encoding="utf-8")))
    assert used <= defined, f"set in deploy/.env.example: {used - defined}"
    assert services["newswatch"]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (DEPLOY / "Dockerfile").exists()


def test_the_compose_config_template_points_at_the_compose_cluster_over_verified_tls(compose: dict[str, Any]) -> None:
    config = load_config(DEPLOY / "newswatch.compose.toml")
    store = config.store
    assert store.backend == "elasticsearch"
    assert store.url is not None
    parts = urlsplit(store.url)
    assert parts.scheme == "https"
    assert parts.hostname in compose["services"]
    newswatch = compose["services"]["newswatch"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in newswatch["volumes"]}
    assert store.ca_certs is not None
    assert any(str(store.ca_certs).startswith(target) and source == "certs" for target, source in mounts.items())
    assert f"{store.password_env}=" in " ".join(newswatch["environment"])
    assert (
        "password"
        not in (DEPLOY / "newswatch.compose.toml")
        .read_text(encoding="utf-8")
        .split("[store]")[1]
        .split("password_env")[0]
    )


def test_the_readme_says_what_the_default_distribution_adds() -> None:
    text = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for module in ("analysis-common", "reindex", "lang-painless", "mapper-extras", "ingest-common", "ILM"):
        assert module in text
    assert (DEPLOY / "es-dev").stat().st_mode & 0o111


def test_the_newswatch_services_run_commands_the_cli_has(compose: dict[str, Any]) -> None:
    from newswatch.cli import build_parser

    entrypoint = re.search(r'^ENTRYPOINT \["(\w+)"\]', (DEPLOY / "Dockerfile").read_text(encoding="utf-8"), re.M)
    assert entrypoint is not None
    assert entrypoint[1] == "newswatch"
    kibana_setup = compose["services"]["kibana-setup"]["command"]
    args = build_parser().parse_args(kibana_setup)
    assert (args.command, args.kibana_command, args.url) == ("kibana", "import", "http://kibana:5601")
    assert compose["services"]["newswatch"]["command"] == ["daemon"]  # the daemon branch's command (issue 8)
