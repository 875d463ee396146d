"""The browsable API as DRF draws it, with breadcrumbs of real pages only."""

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's breadcrumbs walk up the path, and each parent without its slash (/api/v1) is
    caught by the API's unknown-path view and read "Unknown Path": those are left out."""

    def get_breadcrumbs(self, request):
        from wms.api import is_endpoint  # wms.api imports DRF's views, which load this module

        return [
            (name, url)
            for name, url in super().get_breadcrumbs(request)
            if is_endpoint(url.split("?")[0])
        ]
