#!/usr/bin/env node
// The `formwork` command (the same as @formwork/cli's).
import { main } from "@formwork/cli";

main();
