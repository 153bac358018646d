"""File-storage adapters behind :class:`domain.storage.FileStorage`.

``S3FileStorage`` is not re-exported so that the embedded mode (local disk) never
imports boto3; :func:`build_storage` imports it only for an ``s3://`` URL.
"""

from infrastructure.storage.factory import build_storage
from infrastructure.storage.local import LocalFileStorage

__all__ = ["LocalFileStorage", "build_storage"]
