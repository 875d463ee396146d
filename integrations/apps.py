from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self):
        # Registered on import: the receivers that write the outbox, and the /metrics figures.
        from integrations import events, metrics  # noqa: F401
