#!/usr/bin/env node
// The `formwork` command.
import { main } from "./main.js";

main();
