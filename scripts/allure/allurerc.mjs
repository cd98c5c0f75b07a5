// Allure 3 configuration for scripts/allure-report. The categories come from the results folder's
// categories.json, which the harness writes (contract violations vs environment errors), so they are
// defined once.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const results = process.env.TC_ALLURE_RESULTS;
const categories = JSON.parse(readFileSync(join(results, "categories.json"), "utf8"));

export default {
  name: process.env.TC_ALLURE_NAME || "tenantcheck",
  categories,
};
