"""The background build of a delivery packet. Runs in the worker (`manage.py db_worker`)."""

from django.tasks import task


@task
def build_packet(packet_id: int) -> str:
    # Imported here because services enqueues this task.
    from delivery import services

    return services.packet_build(packet_id=packet_id)
