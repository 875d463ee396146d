"""The project's URLs plus one that posts a document, for tests that drive a real server.

The integrator API is not needed to exercise the platform (request ids, logs, metrics across
workers) around a posting.
"""

import os

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as project_urlpatterns
from documents.services import document_post


@csrf_exempt
@require_POST
def post_document(request, pk):
    document = document_post(document_id=pk)
    return JsonResponse({"number": document.number, "pid": os.getpid()})


urlpatterns = [
    *project_urlpatterns,
    path("test/documents/<int:pk>/post", post_document),
]
