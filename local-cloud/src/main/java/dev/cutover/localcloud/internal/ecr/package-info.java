/**
 * Internal Amazon ECR emulator over the local cloud's image registry (repositories, images, tag to
 * digest). Not API.
 */
package dev.cutover.localcloud.internal.ecr;
