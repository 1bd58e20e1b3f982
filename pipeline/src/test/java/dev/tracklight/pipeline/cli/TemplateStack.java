package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracklight.connectors.s3.AwsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/** The project's deploy/aws-batch template created as a stack (in moto), for the Batch tests. */
final class TemplateStack {

  private TemplateStack() {}

  /**
   * Creates stack {@code name} from the template with {@code parameters}, waits for it with the
   * SDK's waiter (polling every 200 ms: moto finishes in well under a second), and returns its
   * outputs by key.
   */
  static Map<String, String> create(AwsSettings aws, String name, Map<String, String> parameters)
      throws IOException {
    String body = Files.readString(BatchMotoTest.template());
    try (CloudFormationClient cf = aws.configure(CloudFormationClient.builder(), "CLOUDFORMATION").build()) {
      cf.createStack(b -> b.stackName(name).templateBody(body)
          .parameters(parameters.entrySet().stream()
              .map(e -> Parameter.builder().parameterKey(e.getKey()).parameterValue(e.getValue()).build())
              .toList())
          .capabilities(Capability.CAPABILITY_IAM));
      cf.waiter().waitUntilStackCreateComplete(b -> b.stackName(name), w -> w
          .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(200)))
          .waitTimeout(Duration.ofMinutes(2)));
      Stack stack = cf.describeStacks(b -> b.stackName(name)).stacks().get(0);
      assertEquals("CREATE_COMPLETE", stack.stackStatusAsString(), stack.stackStatusReason());
      Map<String, String> outputs = new HashMap<>();
      for (Output o : stack.outputs()) {
        outputs.put(o.outputKey(), o.outputValue());
      }
      return outputs;
    }
  }
}
