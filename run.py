"""Serve the course for trying it out: `python run.py` (use gunicorn in production)."""

import os

from course import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")))
