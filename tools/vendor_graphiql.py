"""Copy GraphiQL's browser files from ``node_modules`` into ``hub/graphiql/vendor``.

The hub serves GraphiQL itself (no CDN), and the installed Python package must work without
Node, so the built files are committed as package data. The versions are the exact ones in
``package.json`` / ``package-lock.json``; to move to new ones, change them there, then run
``make vendor-graphiql`` (``npm ci`` followed by this script) and commit the result.

What is copied, unchanged except for the ``sourceMappingURL`` comments (the maps are not
shipped, and a browser's developer tools would ask for them): React and ReactDOM's UMD builds,
GraphiQL's UMD build and stylesheet, and the explorer plugin's. ``VERSIONS.json`` records the
versions; ``LICENSES.txt`` has the licence of each package and of every package bundled inside
``graphiql.min.js`` (read from the bundle's module paths).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "hub" / "graphiql" / "vendor"

#: Served name -> (npm package, file inside it).
FILES = {
    "react.production.min.js": ("react", "umd/react.production.min.js"),
    "react-dom.production.min.js": ("react-dom", "umd/react-dom.production.min.js"),
    "graphiql.min.js": ("graphiql", "graphiql.min.js"),
    "graphiql.min.css": ("graphiql", "graphiql.min.css"),
    "plugin-explorer.umd.js": ("@graphiql/plugin-explorer", "dist/index.umd.js"),
    "plugin-explorer.css": ("@graphiql/plugin-explorer", "dist/style.css"),
}

#: Packages webpack bundled into graphiql.min.js from GraphiQL's own monorepo, so absent from
#: our node_modules; their licences as their npm metadata gives them.
LICENCES_OUTSIDE_NODE_MODULES = {
    "@babel/runtime": "MIT",
    "@radix-ui/react-use-escape-keydown": "MIT",
    "graphql-ws": "MIT",
    "isarray": "MIT",
}

SOURCE_MAP = re.compile(r"\n?/[/*]# sourceMappingURL=[^\n]*?(\*/)?\s*$")
BUNDLED_MODULE = re.compile(r'"(?:\.\./)*node_modules/((?:@[^/"]+/)?[^/"]+)/')


def locked_versions() -> dict[str, str]:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    packages = lock["packages"]
    versions = {}
    for package in sorted({package for package, _ in FILES.values()}):
        locked = packages[f"node_modules/{package}"]["version"]
        installed = json.loads(
            (NODE_MODULES / package / "package.json").read_text(encoding="utf-8")
        )["version"]
        if installed != locked:
            sys.exit(f"{package}: node_modules has {installed}, the lock {locked}: run `npm ci`.")
        versions[package] = locked
    return versions


def licence_of(package: str) -> str:
    folder = NODE_MODULES / package
    if not folder.is_dir():
        nested = NODE_MODULES / "graphiql" / "node_modules" / package
        folder = nested if nested.is_dir() else folder
    for name in ("LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE"):
        if (folder / name).is_file():
            return (folder / name).read_text(encoding="utf-8").strip()
    if (folder / "package.json").is_file():
        declared = json.loads((folder / "package.json").read_text(encoding="utf-8"))["license"]
        return f"{declared} (the package declares it in package.json and ships no licence file)"
    if package in LICENCES_OUTSIDE_NODE_MODULES:
        return f"{LICENCES_OUTSIDE_NODE_MODULES[package]} (from its npm metadata)"
    sys.exit(f"No licence found for {package}, bundled in graphiql.min.js: add it to the script.")


def main() -> None:
    versions = locked_versions()
    VENDOR.mkdir(parents=True, exist_ok=True)
    for served, (package, path) in FILES.items():
        text = (NODE_MODULES / package / path).read_text(encoding="utf-8")
        (VENDOR / served).write_text(SOURCE_MAP.sub("\n", text).rstrip("\n") + "\n", "utf-8")
    bundle = (VENDOR / "graphiql.min.js").read_text(encoding="utf-8")
    bundled = sorted(set(BUNDLED_MODULE.findall(bundle)) - set(versions))
    sections = [
        f"{package} {version}\n\n{licence_of(package)}" for package, version in versions.items()
    ]
    sections += [
        f"{package} (bundled in graphiql.min.js)\n\n{licence_of(package)}" for package in bundled
    ]
    notice = (
        "Third-party files served by the hub's GraphiQL page, copied from npm by "
        "tools/vendor_graphiql.py.\n\n"
    )
    (VENDOR / "LICENSES.txt").write_text(
        notice + "\n\n".join(f"{'=' * 72}\n{section}" for section in sections) + "\n", "utf-8"
    )
    (VENDOR / "VERSIONS.json").write_text(json.dumps(versions, indent=2) + "\n", "utf-8")
    total = sum((VENDOR / served).stat().st_size for served in FILES)
    print(f"Vendored {', '.join(f'{p} {v}' for p, v in versions.items())}: {total:,} bytes.")


if __name__ == "__main__":
    main()
