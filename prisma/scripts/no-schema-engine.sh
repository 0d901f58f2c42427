#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded on offline machines.
# `prisma generate` only checks that PRISMA_SCHEMA_ENGINE_BINARY names an existing file; any
# command that really needs the engine (migrate, db push, introspection) ends up here.
echo "Prisma's native schema engine is not installed. Apply migrations with 'npm run db:migrate'" >&2
echo "and author them with 'npm run db:diff -w @tessera/db' (see docs/database.md)." >&2
exit 1
