/**
 * The provider compatibility kit: abstract JUnit 5 contract tests per capability. The in-memory,
 * AWS and Consul providers pass them; extend them to check your own provider.
 */
package dev.cutover.testkit;
