//! Deployment files other than NATS configs: docker-compose, Kubernetes, `.env`, systemd, scripts.
