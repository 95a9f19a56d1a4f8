"""The JSON API's edge: one error shape (errors), request validation in our words (validation), the
body parser (parsing), the OpenAPI additions (openapi), the middleware for what ninja's handlers
cannot reach (middleware), and the NinjaAPI that mounts each app's router (mount)."""
