"""Realistic seed data, loaded with COPY: `flask seed --size demo|medium|large`."""
