"""
`make audit`: pip-audit over the pinned production requirements, with an honest summary.

Fails on any known vulnerability. pip-audit's PyPI service reads each release's page
(/pypi/NAME/VERSION/json); where those pages cannot be had but the project page
(/pypi/NAME/json) can, a package pinned at its latest release is checked against the
`vulnerabilities` that page lists for that release. A package that still could not be looked
up is reported as not audited (never as clean) and, with AUDIT_STRICT=1, fails the audit.
"""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404 - runs pip-audit from our own venv with fixed arguments
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

INDEX = "https://pypi.org/pypi"


def project_page(dependency: dict[str, Any]) -> dict[str, Any]:
    """What PyPI's project page says of this pinned release: its advisories, if it is latest."""
    url = f"{INDEX}/{dependency['name']}/json"
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310  # nosec B310
            page = json.load(response)
    except (OSError, ValueError) as exc:
        return {**dependency, "skip_reason": f"PyPI project page unavailable ({exc})"}
    latest = page.get("info", {}).get("version")
    if latest != dependency["version"]:
        return {
            **dependency,
            "skip_reason": f"pinned {dependency['version']}, PyPI's page here describes only "
            f"the latest release {latest}",
        }
    vulns = [
        {"id": v.get("id"), "fix_versions": v.get("fixed_in") or []}
        for v in page.get("vulnerabilities") or []
        if not v.get("withdrawn")
    ]
    return {"name": dependency["name"], "version": dependency["version"], "vulns": vulns}


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    requirements = os.environ.get("AUDIT_REQUIREMENTS", "requirements.lock")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "pip-audit.json"
        command = [
            str(Path(sys.executable).with_name("pip-audit")),
            "--requirement",
            requirements,
            "--vulnerability-service",
            os.environ.get("AUDIT_SERVICE", "pypi"),
            "--progress-spinner",
            "off",
            # The lock pins every package: no resolution (and no pip install) is needed.
            "--no-deps",
            "--disable-pip",
            "--format",
            "json",
            "--output",
            str(report),
        ]
        result = subprocess.run(  # noqa: S603  # nosec B603
            command, cwd=root, capture_output=True, text=True, check=False
        )
        if not report.exists():
            print(result.stdout + result.stderr)
            print(f"pip-audit did not run (exit {result.returncode}).")
            return 1
        data = json.loads(report.read_text())

    pins = dict(
        line.split(" ")[0].split("==", 1)
        for line in (root / requirements).read_text().splitlines()
        if "==" in line and not line.startswith((" ", "#"))
    )
    dependencies = [
        {**d, "version": d.get("version") or pins.get(d["name"], "?")}
        for d in data.get("dependencies", [])
    ]
    retry = [d for d in dependencies if d.get("skip_reason")]
    if retry:
        with ThreadPoolExecutor(max_workers=4) as pool:
            again = {d["name"]: d for d in pool.map(project_page, retry)}
        dependencies = [again.get(d["name"], d) for d in dependencies]
    found = [(d, v) for d in dependencies for v in d.get("vulns", [])]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    for dependency, vuln in found:
        fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version"
        print(f"VULNERABLE {dependency['name']}=={dependency['version']}: {vuln['id']} ({fixed})")
    print(
        f"pip-audit ({requirements}): {audited} of {len(dependencies)} packages audited, "
        f"{len(found)} known vulnerabilities, {len(skipped)} skipped."
    )
    if skipped:
        for dependency in skipped:
            print(f"NOT AUDITED {dependency['name']}: {dependency['skip_reason']}")
    if found:
        return 1
    if skipped and os.environ.get("AUDIT_STRICT") == "1":
        print("AUDIT_STRICT=1: a package that could not be audited fails the audit.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
