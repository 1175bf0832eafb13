"""The MSL's app: Flet screens over the local store and the background sync service."""
