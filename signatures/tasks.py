"""The background task that answers signer requests (models.SignerRequest). Runs in the worker."""

from django.tasks import task


def enqueue(request_id: int) -> None:
    process_signer_request.enqueue(request_id)


@task
def process_signer_request(request_id: int) -> str:
    # Imported here because services enqueues this task.
    from signatures import services

    return services.signer_request_process(request_id=request_id)
