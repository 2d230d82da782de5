package jetstream_test

const roleEnv = "BATON_JS_TEST_ROLE"

func runRole(role string) int { return 2 }
