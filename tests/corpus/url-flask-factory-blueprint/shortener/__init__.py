from flask import Flask


def create_app(config=None):
    app = Flask(__name__)
    if config:
        app.config.update(config)
    from shortener.routes import bp

    app.register_blueprint(bp)
    return app
