/**
 * JUnit 5 support for the local cloud: {@code @LocalCloudTest} gives every test method a fresh
 * {@code LocalCloud} parameter, closed after the test.
 */
package dev.cutover.localcloud.junit;
