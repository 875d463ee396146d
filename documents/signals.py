"""What happened to documents, sent inside the transaction that did it.

A receiver runs in that transaction: what it writes commits or rolls back with the change
(integrations records its webhook events this way). Receivers get ``document`` as saved;
``document_posted`` also says whether the document ``was_reserved`` before it was posted.
"""

from django.dispatch import Signal

document_posted = Signal()
document_cancelled = Signal()
document_reserved = Signal()
document_unreserved = Signal()
