"""Driving the pages in Chromium."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.helpers.reference import PASSWORD


def log_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.locator("#login-submit").click()
