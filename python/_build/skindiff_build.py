"""A minimal PEP 517 build backend for the skindiff Python package.

It only zips python/skindiff/*.py into a pure-Python wheel, so installing
needs nothing from a package index (setuptools would have to be fetched
into pip's isolated build environment). The version is __version__ in
skindiff/__init__.py.
"""
import base64
import hashlib
import io
import re
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
NAME = "skindiff"
TAG = "py3-none-any"


def _version():
    text = (HERE / NAME / "__init__.py").read_text()
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def _metadata():
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {_version()}\n"
            "Summary: Measure skin in photographs (texture, pores, redness) "
            "with libskindiff\nRequires-Python: >=3.9\n")


def _sources():
    return sorted((HERE / NAME).glob("*.py"))


def _digest(data):
    h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={h.decode()}"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    d = Path(metadata_directory) / f"{NAME}-{_version()}.dist-info"
    d.mkdir(parents=True, exist_ok=True)
    (d / "METADATA").write_text(_metadata())
    return d.name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    dist_info = f"{NAME}-{version}.dist-info"
    files = [(f"{NAME}/{p.name}", p.read_bytes()) for p in _sources()]
    files.append((f"{dist_info}/METADATA", _metadata().encode()))
    files.append((f"{dist_info}/WHEEL",
                  ("Wheel-Version: 1.0\nGenerator: skindiff_build\n"
                   f"Root-Is-Purelib: true\nTag: {TAG}\n").encode()))
    record = "".join(f"{n},{_digest(d)},{len(d)}\n" for n, d in files)
    record += f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode()))
    name = f"{NAME}-{version}-{TAG}.whl"
    with zipfile.ZipFile(Path(wheel_directory) / name, "w",
                         zipfile.ZIP_DEFLATED) as z:
        for n, d in files:
            info = zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, d, zipfile.ZIP_DEFLATED)
    return name


def build_sdist(sdist_directory, config_settings=None):
    base = f"{NAME}-{_version()}"
    name = f"{base}.tar.gz"
    paths = [HERE / "pyproject.toml", Path(__file__)] + _sources()
    with tarfile.open(Path(sdist_directory) / name, "w:gz") as t:
        for p in paths:
            t.add(p, arcname=f"{base}/{p.relative_to(HERE)}")
        pkg = f"{base}/PKG-INFO"
        data = _metadata().encode()
        info = tarfile.TarInfo(pkg)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return name
