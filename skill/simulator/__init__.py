"""Talking to the skill without an Echo: utterances resolved from the interaction model, sessions, dialogs."""
