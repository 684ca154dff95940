"""Historical cases and the validation of the dynamics against them."""
