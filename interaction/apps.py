from django.apps import AppConfig


class InteractionConfig(AppConfig):
    name = "interaction"
    verbose_name = "政民互动"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from permissions.policy import DepartmentWidePolicy, register_owned_model

        from .models import Interaction

        # Before wagtail_hooks run, so Wagtail never builds a fallback policy for the items.
        register_owned_model(Interaction, DepartmentWidePolicy, object_grants=False)

        from .clock import connect_calendar

        connect_calendar()  # provisional due dates are recomputed when a year's schedule is entered

        import jobs

        jobs.register_periodic(
            "interaction.supervise",
            "政民互动监察",
            jobs.every(60),
            "interaction.management.commands.supervise_interactions.run",
        )
