"""What happened to documents, sent inside the transaction that did it.

A receiver runs in that transaction: what it writes commits or rolls back with the change
(integrations records its webhook events this way). Receivers get ``document`` as saved.
"""

from django.dispatch import Signal

document_posted = Signal()
document_cancelled = Signal()
