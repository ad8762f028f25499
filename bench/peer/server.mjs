// The benchmark's peer: @neo4j/graphql 7 served by Apollo Server (standalone)
// over the same Neo4j model as interestgraph. Everything is left at the
// libraries' documented defaults; the harness (bench/peer.go) starts this
// with NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, PORT and NODE_ENV=production
// (Apollo's documented production setting) and waits for the "ready" line.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

// Same labels, relationship types and properties as interestgraph's store
// (README, "Cypher for analysts"). The edges' `since` comes with each
// connect (the library's @timestamp does not apply to relationship
// properties set by a nested connect).
const typeDefs = /* GraphQL */ `
  type Person @node {
    id: ID!
    name: String
    email: String
    registeredAt: DateTime
    interests: [Interest!]! @relationship(type: "INTERESTED_IN", direction: OUT, properties: "Since")
    follows: [Person!]! @relationship(type: "FOLLOWS", direction: OUT, properties: "Since")
    followers: [Person!]! @relationship(type: "FOLLOWS", direction: IN, properties: "Since")
    """
    Our recommendedPeople rule as a @cypher field: one point per shared
    interest, half a point per followed person who follows the candidate,
    half a point if the candidate follows this person; never oneself or
    someone already followed; ties by follower count, then id.
    """
    recommendedPeople(first: Int = 10): [Person!]!
      @cypher(
        statement: """
        CALL {
          WITH this
          MATCH (this)-[:INTERESTED_IN]->(:Interest)<-[:INTERESTED_IN]-(c:Person)
          RETURN c, 1.0 AS s
          UNION ALL
          WITH this
          MATCH (this)-[:FOLLOWS]->(f:Person)-[:FOLLOWS]->(c:Person) WHERE f.name IS NOT NULL
          RETURN c, 0.5 AS s
          UNION ALL
          WITH this
          MATCH (c:Person)-[:FOLLOWS]->(this)
          RETURN c, 0.5 AS s
        }
        WITH this, c, sum(s) AS score
        WHERE c <> this AND c.name IS NOT NULL AND NOT (this)-[:FOLLOWS]->(c)
        WITH c, score, COUNT { (c)<-[:FOLLOWS]-(g:Person) WHERE g.name IS NOT NULL } AS n
        RETURN c ORDER BY score DESC, n DESC, c.id LIMIT $first
        """
        columnName: "c"
      )
  }

  type Interest @node {
    name: String!
    persons: [Person!]! @relationship(type: "INTERESTED_IN", direction: IN, properties: "Since")
  }

  type Since @relationshipProperties {
    since: DateTime
  }
`;

const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`peer: ${name} is required`);
    process.exit(2);
  }
  return v;
};

const driver = neo4j.driver(env("NEO4J_URI"), neo4j.auth.basic(env("NEO4J_USER"), env("NEO4J_PASSWORD")));
const neoSchema = new Neo4jGraphQL({ typeDefs, driver });
const server = new ApolloServer({ schema: await neoSchema.getSchema() });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(env("PORT")) },
});
console.log(`ready ${url}`);

// The harness stops the peer with SIGTERM: close the driver's connections.
for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, async () => {
    await server.stop();
    await driver.close();
    process.exit(0);
  });
}
