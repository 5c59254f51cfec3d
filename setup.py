"""Package layout that pyproject.toml alone cannot express (see docs/packaging.md).

The repository keeps the design card's top-level folders; the wheel installs the two that are
not Python code under the `levelith` namespace, as `levelith.migrations` (Alembic scripts and
alembic.ini) and `levelith.opensearch` (index definitions), so generic names such as
`migrations` never land at the top of site-packages. `app` and `indexer` keep their import
names: every module and test imports them.
"""

from setuptools import find_namespace_packages, setup

RESOURCE_FOLDERS = {"levelith.migrations": "migrations", "levelith.opensearch": "opensearch"}

packages = find_namespace_packages(
    include=["app", "app.*", "indexer", "indexer.*"], exclude=["*.__pycache__"]
)
package_dir = dict(RESOURCE_FOLDERS)
for package, folder in RESOURCE_FOLDERS.items():
    packages.append(package)
    packages += [
        f"{package}.{sub}" for sub in find_namespace_packages(where=folder, exclude=["*.__pycache__"])
    ]

setup(packages=packages, package_dir=package_dir)
