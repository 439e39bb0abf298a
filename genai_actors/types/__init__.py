# genai_actors.types: wire types as msgspec Structs.
