"""The domain: frozen value objects every layer shares, and the ports the service layer uses."""
