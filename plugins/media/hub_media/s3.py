"""Images in an S3-compatible bucket (AWS S3, MinIO, Garage, Cloudflare R2...), through boto3."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from hub_media.storage import checked_key

if TYPE_CHECKING:
    from hub_media.settings import MediaSettings

MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    def __init__(self, bucket: str, prefix: str = "", **client_options: Any) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        # boto3 clients are thread-safe; the storage methods run in worker threads.
        self.client = boto3.client(
            "s3", config=Config(retries={"mode": "standard"}), **client_options
        )

    @classmethod
    def from_settings(cls, media: MediaSettings) -> S3Storage:
        options = {
            "endpoint_url": media.s3_endpoint_url or None,
            "region_name": media.s3_region or None,
            "aws_access_key_id": media.s3_access_key_id or None,
            "aws_secret_access_key": media.s3_secret_access_key or None,
        }
        return cls(
            media.s3_bucket,
            media.s3_prefix,
            **{name: value for name, value in options.items() if value is not None},
        )

    def _key(self, key: str) -> str:
        relative = str(checked_key(key))
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def save(self, key: str, source: BinaryIO, content_type: str) -> None:
        # upload_fileobj streams in parts: a large original is never held in memory whole.
        self.client.upload_fileobj(
            source, self.bucket, self._key(key), ExtraArgs={"ContentType": content_type}
        )

    def load(self, key: str, into: BinaryIO) -> bool:
        try:
            self.client.download_fileobj(self.bucket, self._key(key), into)
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code")) in MISSING:
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def delete_all(self, prefix: str) -> None:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._key(prefix).rstrip("/") + "/"
        )
        for page in pages:
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})
