"""Clinic bot: a grounded, cited patient-education chatbot for health clinics."""

__version__ = "0.1.0"
