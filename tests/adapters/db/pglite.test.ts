import { freshPglite } from "../../support/test-db.ts";
import { repositoryContract } from "./contract.ts";

repositoryContract("PGlite (in-process)", freshPglite);
