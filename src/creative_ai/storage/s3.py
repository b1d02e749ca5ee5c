"""S3-compatible bucket store (boto3): the same keys, so the same layout, as the local directory store.

A PUT replaces an object whole, so readers never see a partial write.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from creative_ai.errors import StorageError
from creative_ai.storage.base import Store, safe_key


class S3Store(Store):
    def __init__(self, *, bucket: str, prefix: str = "", endpoint_url: str | None = None, client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url)

    def _key(self, key: str) -> str:
        safe = safe_key(key)
        return f"{self.prefix}/{safe}" if self.prefix else safe

    def write(self, key: str, data: bytes) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(
                f"cannot write s3://{self.bucket}/{self._key(key)} ({exc.__class__.__name__})"
            ) from None  # botocore's error can carry the signed request and its credentials

    def read(self, key: str) -> bytes:
        try:
            body: bytes = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(
                f"cannot read s3://{self.bucket}/{self._key(key)} ({exc.__class__.__name__})"
            ) from None  # botocore's error can carry the signed request and its credentials
        return body

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise StorageError(
                f"cannot reach s3://{self.bucket} ({exc.__class__.__name__})"
            ) from None  # botocore's error can carry the signed request and its credentials
        except BotoCoreError as exc:
            raise StorageError(
                f"cannot reach s3://{self.bucket} ({exc.__class__.__name__})"
            ) from None  # botocore's error can carry the signed request and its credentials
        return True

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(
                f"cannot delete s3://{self.bucket}/{self._key(key)} ({exc.__class__.__name__})"
            ) from None  # botocore's error can carry the signed request and its credentials

    def root(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")
