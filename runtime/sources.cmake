# Runtime sources (owned by the runtime). Paths relative to runtime/.
set(FROST_RUNTIME_SOURCES
)
