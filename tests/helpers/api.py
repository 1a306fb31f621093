"""Calling the partner API as a partner system, and checking the shape of its errors."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from tests.helpers.applicants import applicant


class Partner:
    """A partner system calling the API with its own token."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.client = Client()

    def headers(self, **extra: str) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.secret}", **extra}

    def post(self, path: str, body: Any = None, *, raw: bytes | str | None = None, **headers: str) -> Any:
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(path, data=data, content_type="application/json", **self.headers(**headers))

    def upload(self, path: str, data: dict[str, Any], **headers: str) -> Any:
        return self.client.post(path, data=data, **self.headers(**headers))

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(path, params or {}, **self.headers(**headers))


URL = "/api/v1/applications"


def body(**overrides: object) -> dict[str, Any]:
    return {"programme": "BPN-2026", **applicant(**overrides)}


def assert_error_shape(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    answer = response.json()
    assert isinstance(answer["detail"], str) and answer["detail"]
    assert isinstance(answer["errors"], dict)
    for messages in answer["errors"].values():
        assert isinstance(messages, list) and all(isinstance(m, str) for m in messages)
    return answer
