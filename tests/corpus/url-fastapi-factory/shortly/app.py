from fastapi import FastAPI


def create_app(config=None):
    from shortly.routes import router

    app = FastAPI(title=(config or {}).get("title", "shortly"))
    app.include_router(router)
    return app
