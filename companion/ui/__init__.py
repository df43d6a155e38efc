"""The Qt window: widgets only; everything they show comes from the service layer."""
