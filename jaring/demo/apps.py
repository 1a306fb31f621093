from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data. It imports every other app; nothing imports it."""

    name = "jaring.demo"
    label = "demo"
