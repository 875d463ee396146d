from django.core.checks import Error, register


@register()
def metrics_allowed_ips(app_configs, **kwargs):
    from wms.views import allowed_networks

    try:
        allowed_networks()
    except ValueError as exc:
        return [
            Error(
                f"METRICS_ALLOWED_IPS holds an entry that is not an address or network: {exc}",
                hint="Use addresses or CIDR networks, comma separated: 127.0.0.1,10.0.0.0/8",
                id="wms.E001",
            )
        ]
    return []
